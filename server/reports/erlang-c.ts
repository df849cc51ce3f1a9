/**
 * Erlang C (M/M/N queue): the chance a caller waits, the service level and the ASA for `agents` operators
 * facing `trafficErlangs` of load (arrival rate x AHT), and the fewest operators for a service-level target.
 *
 * Numerically stable form: Erlang B by its recurrence B(0) = 1, B(n) = A·B(n-1) / (n + A·B(n-1)) (no factorials
 * or powers, so it holds for hundreds of agents), then C = N·B / (N - A·(1 - B)).
 * Service level = 1 - C·e^(-(N - A)·T / AHT); ASA = C·AHT / (N - A). With N <= A the queue grows without bound:
 * C = 1, service level 0, ASA infinite.
 */

/** Erlang B blocking probability for `agents` servers and `trafficErlangs` offered load. */
export function erlangB(trafficErlangs: number, agents: number): number {
  if (trafficErlangs < 0 || !Number.isInteger(agents) || agents < 0) throw new RangeError("traffic must be >= 0 and agents a whole number >= 0");
  let b = 1;
  for (let n = 1; n <= agents; n += 1) b = (trafficErlangs * b) / (n + trafficErlangs * b);
  return b;
}

/** Probability that a caller has to wait (0..1). */
export function erlangC(trafficErlangs: number, agents: number): number {
  if (trafficErlangs === 0) return 0;
  if (agents <= trafficErlangs) return 1;
  const b = erlangB(trafficErlangs, agents);
  return (agents * b) / (agents - trafficErlangs * (1 - b));
}

/** Share of calls answered within `targetS` seconds (0..1), with an average handling time of `ahtS` seconds. */
export function serviceLevel(trafficErlangs: number, agents: number, targetS: number, ahtS: number): number {
  if (trafficErlangs === 0) return 1;
  if (agents <= trafficErlangs) return 0;
  return 1 - erlangC(trafficErlangs, agents) * Math.exp((-(agents - trafficErlangs) * targetS) / ahtS);
}

/** Average speed of answer in seconds (Infinity when the agents cannot keep up). */
export function averageSpeedOfAnswer(trafficErlangs: number, agents: number, ahtS: number): number {
  if (trafficErlangs === 0) return 0;
  if (agents <= trafficErlangs) return Number.POSITIVE_INFINITY;
  return (erlangC(trafficErlangs, agents) * ahtS) / (agents - trafficErlangs);
}

/**
 * The fewest operators that answer `targetLevel` (0..1) of calls within `targetS` seconds, for `callsPerHour`
 * arrivals of `ahtS` seconds' handling. 0 without calls.
 */
export function agentsNeeded(callsPerHour: number, ahtS: number, targetLevel: number, targetS: number): number {
  if (callsPerHour <= 0 || ahtS <= 0) return 0;
  const traffic = (callsPerHour * ahtS) / 3600;
  let agents = Math.max(1, Math.floor(traffic) + 1);
  while (serviceLevel(traffic, agents, targetS, ahtS) < targetLevel) agents += 1;
  return agents;
}
