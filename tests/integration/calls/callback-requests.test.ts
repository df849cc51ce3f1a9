/**
 * A caller who waits past the queue's maximum (real SIPp, real rtpengine) is told their number was noted, hung up,
 * and left on the callback list until someone marks it done.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { completeCallbackRequest, listOpenCallbackRequests } from "../../../db/queries/callback-requests";
import { findQueueByName, updateQueueSettings } from "../../../db/queries/queues";
import { findUserByUsername } from "../../../db/queries/users";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { runSipp } from "../../support/sipp";
import { waitUntil } from "../../support/wait";

let harness: Harness;
const db = () => harness.hotline.services.database.db;

beforeAll(async () => {
  harness = await startHarness();
  await harness.cli("queue", "add", "Sales");
  await harness.cli("number", "add", "4000", "--queue", "Sales");
  const queue = await findQueueByName(db(), "Sales");
  await updateQueueSettings(db(), queue!.id, { maxWaitS: 10, maxWaitAction: "callback" });
  await harness.hotline.telephony!.syncQueues();
}, 60_000);
afterAll(() => harness?.stop());

it("a caller who waited too long leaves a callback request, which stays open until someone calls back", async () => {
  // Nobody serves the queue: after 10 s the caller hears the goodbye and the server hangs up (SIPp waits for BYE).
  const result = await runSipp("answered-call-operator-hangs-up.xml", harness.sipTarget, { service: "4000", timeoutS: 45 });
  expect(result.code, result.stdout.slice(-1500)).toBe(0);

  const [request] = await waitUntil("the callback request", () => listOpenCallbackRequests(db()), (rows) => rows.length === 1);
  expect(request).toMatchObject({ callerNumber: "+15550001111", queue: "Sales", reason: "max-wait" });

  await harness.cli("user", "add", "carla", "--role", "operator", "--password", "carla-password-1");
  const carla = await findUserByUsername(db(), "carla");
  expect(await completeCallbackRequest(db(), request!.id, carla!.id, new Date())).toBe(true);
  expect(await completeCallbackRequest(db(), request!.id, carla!.id, new Date())).toBe(false);
  expect(await listOpenCallbackRequests(db())).toEqual([]);
}, 60_000);
