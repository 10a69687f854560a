// The admin domain's public face: account changes kept as an overlay on the config file, sender
// verification codes, and credit amounts as operators write them.

export { AdminAccounts, keyIdOf, type AdminDeps, type AccountSource } from './accounts.js'
export { SenderVerifier, CODE_DOC, type VerifyOptions } from './verify.js'
export { AdminProblem } from './problem.js'
export { ACCOUNT_DOC, readOverlay, configWithStoredOverlay, effectiveMapping, type AccountMapping } from './overlay.js'
export { milliCredits, credits } from './amounts.js'
