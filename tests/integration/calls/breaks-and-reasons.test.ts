/**
 * Pause reasons and break slots in the running call side: what admins configure reaches the live queue engine,
 * and operators (SIP WebSocket test operators with their desk socket) see it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findQueueByName, updateQueueSettings } from "../../../db/queries/queues";
import { createPauseReason, savePauseReason } from "../../../server/staffing/staffing-admin";
import { startHarness, type Harness } from "../../support/hotline-harness";

let harness: Harness;
const db = () => harness.hotline.services.database.db;

beforeAll(async () => {
  harness = await startHarness();
  await harness.cli("queue", "add", "Care");
  const queue = await findQueueByName(db(), "Care");
  await updateQueueSettings(db(), queue!.id, { maxOnBreak: 1 });
}, 60_000);
afterAll(() => harness?.stop());

describe("breaks and pause reasons", () => {
  it("operators pause only for configured reasons, and an admin's own reason works at once", async () => {
    const amina = await harness.operator("amina");
    await amina.goAvailable();
    expect(await amina.setStatus({ status: "paused", reason: "nap" })).toEqual({ ok: false, error: "unknown pause reason" });
    expect(amina.state?.status).toBe("available");

    const coaching = await createPauseReason(db(), { label: "Coaching", maxMinutes: "20" });
    if (!coaching.ok) throw new Error("reason not created");
    await harness.hotline.telephony!.syncQueues();
    expect(await amina.setStatus({ status: "paused", reason: coaching.value.code })).toEqual({ ok: true });
    await amina.waitFor(() => amina.state?.status === "paused" && amina.state.reason === coaching.value.code, "the coaching pause");
    await amina.goAvailable();
  });

  it("a break beyond the queue's limit waits in line, the operator sees it, and it starts when a slot frees", async () => {
    const [bilal, chloe] = [await harness.operator("bilal"), await harness.operator("chloe")];
    for (const name of ["bilal", "chloe"]) await harness.cli("queue", "member", "Care", name);
    await bilal.goAvailable();
    await chloe.goAvailable();

    await bilal.setStatus({ status: "paused", reason: "lunch" });
    await bilal.waitFor(() => bilal.state?.status === "paused", "bilal's lunch");
    await chloe.setStatus({ status: "paused", reason: "break" });
    await chloe.waitFor(() => chloe.state?.pendingPause?.position === 1, "chloe's break to wait in line");
    expect(chloe.state).toMatchObject({ status: "available", pendingPause: { reason: "break", position: 1 } });

    await bilal.goAvailable();
    await chloe.waitFor(() => chloe.state?.status === "paused", "chloe's break to start");
    expect(chloe.state?.reason).toBe("break");
    expect(chloe.state?.pendingPause).toBeUndefined();
    await chloe.goAvailable();
  });

  it("an admin who stops lunch taking a break slot lets a waiting break start without anyone resuming", async () => {
    const [dana, emil] = [await harness.operator("dana"), await harness.operator("emil")];
    for (const name of ["dana", "emil"]) await harness.cli("queue", "member", "Care", name);
    await dana.goAvailable();
    await emil.goAvailable();
    await dana.setStatus({ status: "paused", reason: "lunch" });
    await dana.waitFor(() => dana.state?.status === "paused", "dana's lunch");
    await emil.setStatus({ status: "paused", reason: "break" });
    await emil.waitFor(() => emil.state?.pendingPause !== undefined, "emil's break to wait");

    expect(await savePauseReason(db(), "lunch", { maxMinutes: "60", limited: "" })).toMatchObject({ ok: true });
    await harness.hotline.telephony!.syncQueues();
    await emil.waitFor(() => emil.state?.status === "paused" && emil.state.reason === "break", "emil's break to start");
  });
});
