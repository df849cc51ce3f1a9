import { getLocale, getTranslations } from "next-intl/server";
import { listShifts } from "../../../db/queries/shifts";
import { getServices } from "../../../server/runtime-registry";
import { AppShell } from "../../components/app-shell";
import { formatMinute } from "../../../server/staffing/shift-schedule";
import { requireRole } from "../../lib/auth";
import { ListTable } from "../queues/page-parts";
import { AddShiftForm, RemoveShiftForm, type Weekday } from "./shift-forms";

export async function generateMetadata() {
  return { title: (await getTranslations("shifts"))("title") };
}

/** ISO weekdays 1 (Monday) … 7 (Sunday) named in `locale`: 1 January 2024 was a Monday. */
function weekdaysIn(locale: string): Weekday[] {
  const short = new Intl.DateTimeFormat(locale, { weekday: "short", timeZone: "UTC" });
  const long = new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" });
  return [1, 2, 3, 4, 5, 6, 7].map((day) => {
    const date = new Date(Date.UTC(2024, 0, day));
    return { value: String(day), short: short.format(date), long: long.format(date) };
  });
}

/** Operators' working hours, in the hotline's time zone. */
export default async function ShiftsPage() {
  const me = await requireRole("admin", "/admin/shifts");
  const t = await getTranslations("shifts");
  const tUsers = await getTranslations("users");
  const locale = await getLocale();
  const services = getServices();
  const [shifts, users] = await Promise.all([listShifts(services.database.db), services.users.list()]);
  const weekdays = weekdaysIn(locale);
  const dayList = new Intl.ListFormat(locale, { style: "short", type: "unit" });
  const candidates = users.filter((u) => !u.disabled).map((u) => ({ id: u.id, username: u.username, displayName: u.displayName }));

  return (
    <AppShell user={me} active="shifts">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 max-w-3xl text-slate-600">{t("intro")}</p>
      <p className="mt-1 text-sm text-slate-600" data-testid="shifts-timezone">
        {t("timezone", { zone: services.config.TIMEZONE })}
      </p>
      <ListTable testId="shifts-table" headers={[t("operator"), t("days"), t("hours"), t("actions")]} rowCount={shifts.length} empty={t("none")}>
        {shifts.map((shift) => {
          const hours = `${formatMinute(shift.startMinute)}–${formatMinute(shift.endMinute)}`;
          return (
            <tr key={shift.id} className="border-b border-slate-100 align-top" data-testid="shift-row" data-username={shift.username}>
              <td className="p-3" data-testid="shift-operator">
                <span className="font-medium">{shift.displayName}</span> <span className="text-slate-600">({shift.username})</span>
                {shift.disabled && <span className="ms-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{tUsers("disabled")}</span>}
              </td>
              <td className="p-3" data-testid="shift-days">
                {dayList.format(shift.days.map((day) => weekdays[day - 1]?.short ?? String(day)))}
              </td>
              <td className="p-3">
                <span dir="ltr" data-testid="shift-hours">
                  {hours}
                </span>
                {shift.endMinute <= shift.startMinute && (
                  <span className="ms-2 text-xs text-slate-500" data-testid="shift-next-day">
                    ({t("nextDay")})
                  </span>
                )}
              </td>
              <td className="p-3">
                <RemoveShiftForm id={shift.id} label={t("removeOf", { name: shift.displayName, hours })} />
              </td>
            </tr>
          );
        })}
      </ListTable>
      <AddShiftForm candidates={candidates} weekdays={weekdays} />
    </AppShell>
  );
}
