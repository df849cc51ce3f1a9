import Link from "next/link";
import { getTranslations } from "next-intl/server";

export default async function NotFound() {
  const t = await getTranslations("notFound");
  return (
    <main className="mx-auto max-w-md p-8 text-center">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <Link className="mt-6 inline-block text-brand-700 underline" href="/">
        {t("home")}
      </Link>
    </main>
  );
}
