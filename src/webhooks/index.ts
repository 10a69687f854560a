// The webhooks domain's public face: account and sender config, the signature (for receivers and
// tests), the event bodies the engine captures, and the WebhookSender the Router runs.

export {
  parseAccountWebhook, parseWebhooksConfig, callbackUrlProblem, wantsEvent, WEBHOOK_ACCOUNT_KEYS, WEBHOOK_EVENTS, WEBHOOKS_DEFAULTS,
  type AccountWebhook, type WebhooksConfig, type WebhookEventType
} from './config.js'
export { signWebhook, verifyWebhookSignature, SIGNATURE_HEADER, EVENT_ID_HEADER } from './sign.js'
export { inboundData, moPayload, moText, statusData, type MoConcat, type WebhookBody } from './body.js'
export { WebhookSender, type WebhookSenderOptions, type WebhookLookup, type WebhookStore } from './sender.js'
