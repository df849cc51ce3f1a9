import Link from "next/link";
import { getTranslations } from "next-intl/server";

export default async function Forbidden() {
  const t = await getTranslations("forbidden");
  return (
    <main className="mx-auto max-w-md p-8 text-center" data-testid="forbidden">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="mt-2 text-slate-600">{t("text")}</p>
      <Link className="mt-6 inline-block text-brand-700 underline" href="/">
        {t("home")}
      </Link>
    </main>
  );
}
