/** Public surface of the call-distribution engine. */
export { DispatchEngine } from "./dispatch-engine.js";
export type { EngineConfig, OperatorView, PersistedOperator, RestoreSnapshot, SurvivingCall } from "./dispatch-engine.js";
export type * from "./engine-effects.js";
export type * from "./engine-events.js";
export type { EngineOptions, EngineState } from "./engine-state.js";
export { checkInvariants, assertInvariants } from "./invariants.js";
export * from "./operator-state.js";
export { resolveQueueSettings, tierDelayMs } from "./queue-settings.js";
export type { QueueAction, QueueSettings, QueueSettingsInput, Strategy } from "./queue-settings.js";
export { reconcile } from "./reconcile.js";
export type { ReconcileResult } from "./reconcile.js";
