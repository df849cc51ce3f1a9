/** The operator's own desk options kept on the server (per operator, whatever the browser). */
import type { Db } from "../../db/client";
import { updateUser } from "../../db/queries/users";

/** Auto-answer: offered calls are answered after a short beep (for headset users). */
export async function setAutoAnswer(db: Db, userId: number, on: boolean): Promise<void> {
  await updateUser(db, userId, { autoAnswer: on });
}
