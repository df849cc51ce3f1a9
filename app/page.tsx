import { redirect } from "next/navigation";
import { homePath } from "../server/auth/roles";
import { currentUser } from "./lib/auth";

export default async function Home() {
  const user = await currentUser();
  redirect(user ? homePath(user.role) : "/login");
}
