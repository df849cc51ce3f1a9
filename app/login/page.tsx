import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { homePath } from "../../server/auth/roles";
import { LanguageSelect } from "../components/language-select";
import { currentUser } from "../lib/auth";
import { LoginForm } from "./login-form";

export async function generateMetadata() {
  return { title: (await getTranslations("login"))("title") };
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string; loggedOut?: string }> }) {
  const { next, loggedOut } = await searchParams;
  const user = await currentUser();
  if (user) redirect(homePath(user.role));
  const t = await getTranslations();
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center gap-6 p-6">
      <div className="flex items-center justify-between">
        <span className="text-lg font-semibold text-brand-700">{t("app.name")}</span>
        <LanguageSelect />
      </div>
      <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-xl font-semibold">{t("login.title")}</h1>
        <p className="mt-1 text-sm text-slate-600">{t("login.intro")}</p>
        {loggedOut && (
          <p role="status" className="mt-3 text-sm text-slate-700">
            {t("login.loggedOut")}
          </p>
        )}
        <LoginForm next={typeof next === "string" ? next : ""} />
      </div>
    </main>
  );
}
