import { getTranslations } from "next-intl/server";
import { getServices } from "../../../server/runtime-registry";
import { AppShell } from "../../components/app-shell";
import { requireRole } from "../../lib/auth";
import { CreateUserForm, UserRow } from "./user-forms";

export async function generateMetadata() {
  return { title: (await getTranslations("users"))("title") };
}

export default async function UsersPage() {
  const me = await requireRole("admin", "/admin/users");
  const t = await getTranslations("users");
  const users = await getServices().users.list();
  return (
    <AppShell user={me} active="users">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 text-slate-600">{t("intro")}</p>
      <div className="mt-6 overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm" data-testid="users-table">
          <thead>
            <tr className="border-b border-slate-200 text-slate-600">
              <th className="p-3 text-start font-medium">{t("username")}</th>
              <th className="p-3 text-start font-medium">{t("displayName")}</th>
              <th className="p-3 text-start font-medium">{t("status")}</th>
              <th className="p-3 text-start font-medium">{t("actions")}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <UserRow key={user.id} user={{ id: user.id, username: user.username, displayName: user.displayName, role: user.role, disabled: user.disabled }} isMe={user.id === me.id} />
            ))}
          </tbody>
        </table>
      </div>
      <CreateUserForm />
    </AppShell>
  );
}
