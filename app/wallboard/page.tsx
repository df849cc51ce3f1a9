import { getTranslations } from "next-intl/server";
import { requireRole } from "../lib/auth";
import { WallboardView } from "./wallboard-view";

export async function generateMetadata() {
  return { title: (await getTranslations("boardQueues"))("wallboardTitle") };
}

/**
 * `/wallboard`: the read-only TV screen. Wallboard accounts (which can open nothing else) and supervisors up; no
 * navigation, no caller numbers.
 */
export default async function WallboardPage() {
  await requireRole("wallboard", "/wallboard");
  return <WallboardView />;
}
