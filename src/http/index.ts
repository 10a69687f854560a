// The HTTP API's public face: HttpApi joins the listener, the API keys and the routes to the
// router's Intake and engines. The Router builds one when the config has an `http:` section.

import type { InstradaConfig } from '../config/instrada.js'
import { Pricing } from '../ledger/index.js'
import type { Logger } from '../log.js'
import type { Registry } from '../metrics.js'
import type { Intake } from '../router/intake.js'
import type { EngineApi } from '../router/protocol.js'
import type { DocStore, MessageStore } from '../store/index.js'
import type { Ledger } from '../ledger/types.js'
import { ApiKeyAuth } from './auth.js'
import type { HttpConfig } from './config.js'
import { IdempotencyCache } from './idempotency.js'
import { messageRoutes } from './routes/messages.js'
import { previewRoutes } from './routes/preview.js'
import { systemRoutes, type SystemDeps } from './routes/system.js'
import { HttpServer, type Route } from './server.js'

export { parseHttpConfig, parseApiKeys, keyHashProblem, HTTP_ACCOUNT_KEYS, type HttpConfig } from './config.js'
export { hashApiKey, ApiKeyAuth, type Principal } from './auth.js'
export { ApiError } from './errors.js'
export { messageStatus, MESSAGE_STATUSES, type MessageStatus } from './status.js'
export type { Route, Request, Reply } from './server.js'

export interface HttpApiOptions {
  config: InstradaConfig
  intake: Intake
  engines: EngineApi
  /** The node's store and ledger, as seen from the main thread (reads, admin, documents). */
  store: MessageStore & DocStore & { readonly ledger: Ledger }
  system: SystemDeps
  logger: Logger
  registry: Registry
}

export class HttpApi {
  readonly server: HttpServer
  readonly auth: ApiKeyAuth
  readonly idempotency: IdempotencyCache
  private pricing: Pricing

  constructor (readonly http: HttpConfig, opts: HttpApiOptions) {
    this.auth = new ApiKeyAuth(opts.config.accounts, http.adminKeyHash)
    this.idempotency = new IdempotencyCache(http.idempotencyTtlMs, http.idempotencyMax)
    this.pricing = new Pricing(opts.config.pricing)
    const routes: Route[] = [
      ...messageRoutes({ intake: opts.intake, engines: opts.engines, idempotency: this.idempotency }),
      ...previewRoutes({ intake: opts.intake, pricing: () => this.pricing }),
      ...systemRoutes(opts.system)
    ]
    this.server = new HttpServer({ host: http.host, port: http.port, bodyLimitBytes: http.bodyLimitBytes }, routes, this.auth, opts.logger, opts.registry)
  }

  get port (): number { return this.server.port }
  get closed (): Promise<void> { return this.server.closed }

  start (): Promise<void> { return this.server.start() }
  close (): Promise<void> { return this.server.close() }

  /** Keys and prices from a reloaded config (the listener itself is not moved). */
  reload (config: InstradaConfig): void {
    this.auth.reload(config.accounts, config.http?.adminKeyHash ?? null)
    this.pricing = new Pricing(config.pricing)
  }
}
