import { getTranslations } from "next-intl/server";
import { getServices } from "../../server/runtime-registry";
import { SetupForm } from "./setup-form";

export default async function SetupPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  const t = await getTranslations("setup");
  const open = getServices().setup.accepts(token);
  return (
    <main className="mx-auto flex min-h-screen max-w-sm flex-col justify-center p-6">
      <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-xl font-semibold">{t("title")}</h1>
        {open ? (
          <>
            <p className="mt-1 text-sm text-slate-600">{t("intro")}</p>
            <SetupForm token={token!} />
          </>
        ) : (
          <p role="alert" className="mt-2 text-sm text-slate-700">
            {t("closed")}
          </p>
        )}
      </div>
    </main>
  );
}
