/**
 * The words of every caller prompt in English, French and Arabic, from which scripts/make-prompts.ts synthesises the
 * language sets (`<SOUNDS_DIR>/<language>/<name>.wav`) with espeak-ng. Whole sentences per number (positions 1 to 9,
 * the recorded waits, every quarter hour of the day for the next opening) rather than spliced number words, so each
 * language's grammar is right: French "1 minute" / "2 minutes"; Arabic singular, dual (دقيقتين) and plural
 * (ثلاث دقائق) up to ten, then the singular again (خمس عشرة دقيقة, عشرين دقيقة).
 */
import type { PromptLanguage } from "../../db/enums";
import { RECORDED_POSITIONS, RECORDED_WAIT_MINUTES } from "../calls/queue-announcements";
import { digitName, MENU_DIGITS } from "./caller-menu";

/** Weekday prompt names, ISO order (1 = Monday). */
export const WEEKDAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
/** Minutes past the hour that have a recorded time ("at nine fifteen"); other times are rounded up to the next. */
export const SPOKEN_MINUTES = [0, 15, 30, 45] as const;

/** Prompt name of a time of day `HH:MM` (24-hour clock, a quarter hour). */
export const timePrompt = (hour: number, minute: number) => `at-${String(hour).padStart(2, "0")}-${String(minute).padStart(2, "0")}`;

const EN_NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
const FR_NUMBERS = ["zéro", "une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf", "vingt", "vingt et une", "vingt-deux", "vingt-trois"];
/** Feminine ordinals, as Arabic says the hour (الساعة التاسعة): index 1 to 12. */
const AR_HOURS = ["", "الواحدة", "الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة", "السابعة", "الثامنة", "التاسعة", "العاشرة", "الحادية عشرة", "الثانية عشرة"];
const AR_POSITIONS = ["", "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"];
const FR_POSITIONS = ["", "premier", "deuxième", "troisième", "quatrième", "cinquième", "sixième", "septième", "huitième", "neuvième"];

/** "about N minutes" with each language's number agreement. */
export function minutesPhrase(language: PromptLanguage, minutes: number): string {
  if (language === "en") return minutes === 1 ? "one minute" : `${minutes} minutes`;
  if (language === "fr") return minutes === 1 ? "une minute" : `${minutes} minutes`;
  // Arabic, after حوالي (genitive): 1 singular, 2 dual, 3-10 plural with the feminine-agreeing number, 11+ singular.
  const ar: Record<number, string> = {
    1: "دقيقة واحدة",
    2: "دقيقتين",
    3: "ثلاث دقائق",
    4: "أربع دقائق",
    5: "خمس دقائق",
    10: "عشر دقائق",
    15: "خمس عشرة دقيقة",
    20: "عشرين دقيقة",
    30: "ثلاثين دقيقة",
  };
  const phrase = ar[minutes];
  if (phrase === undefined) throw new RangeError(`no Arabic phrase for ${minutes} minutes`);
  return phrase;
}

/** "at nine thirty", "à neuf heures trente", "الساعة التاسعة والنصف صباحًا". */
export function timePhrase(language: PromptLanguage, hour: number, minute: number): string {
  if (language === "en") {
    if (minute === 0 && (hour === 0 || hour === 12)) return hour === 0 ? "at midnight" : "at noon";
    const h12 = hour % 12 === 0 ? 12 : hour % 12;
    const words = minute === 0 ? `${EN_NUMBERS[h12]} o'clock` : `${EN_NUMBERS[h12]} ${minute === 15 ? "fifteen" : minute === 30 ? "thirty" : "forty-five"}`;
    const part = hour < 5 ? "at night" : hour < 12 ? "in the morning" : hour < 18 ? "in the afternoon" : "in the evening";
    return `at ${words} ${part}`;
  }
  if (language === "fr") {
    if (hour === 0) return minute === 0 ? "à minuit" : `à minuit ${minute}`;
    if (hour === 12) return minute === 0 ? "à midi" : `à midi ${minute}`;
    return `à ${FR_NUMBERS[hour]} heure${hour === 1 ? "" : "s"}${minute === 0 ? "" : ` ${minute}`}`;
  }
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  const fraction = minute === 0 ? "" : minute === 15 ? " والربع" : minute === 30 ? " والنصف" : " وخمسًا وأربعين دقيقة";
  const part = hour < 12 ? "صباحًا" : hour < 18 ? "ظهرًا" : "مساءً";
  return `الساعة ${AR_HOURS[h12]}${fraction} ${hour === 0 ? "ليلًا" : part}`;
}

const DAYS: Record<PromptLanguage, readonly string[]> = {
  en: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
  fr: ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
  ar: ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"],
};

/** Every prompt's words in one language, by prompt name (the file is `<language>/<name>.wav`). */
export function promptTexts(language: PromptLanguage): Record<string, string> {
  const t: Record<string, string> = {};
  const L = (en: string, fr: string, ar: string) => (language === "en" ? en : language === "fr" ? fr : ar);
  t.greeting = L(
    "Thank you for calling. Please hold while we connect you to the next available agent.",
    "Merci de votre appel. Veuillez patienter, nous vous mettons en relation avec le prochain conseiller disponible.",
    "شكرًا لاتصالك. يرجى الانتظار، سنحولك إلى أول موظف متاح.",
  );
  t.periodic = L(
    "Thank you for waiting. All of our agents are still busy. Please stay on the line, your call is important to us.",
    "Merci de votre patience. Tous nos conseillers sont encore occupés. Restez en ligne, votre appel est important pour nous.",
    "شكرًا على انتظارك. جميع موظفينا مشغولون حاليًا. يرجى البقاء على الخط، فمكالمتك مهمة لنا.",
  );
  t.apology = L(
    "We are sorry, your conversation was interrupted. Please stay on the line, we are connecting you to the next available agent.",
    "Nous sommes désolés, votre conversation a été interrompue. Restez en ligne, nous vous mettons en relation avec le prochain conseiller disponible.",
    "نعتذر، لقد انقطعت مكالمتك. يرجى البقاء على الخط، سنحولك إلى أول موظف متاح.",
  );
  t.closed = L(
    "Thank you for calling. We are currently closed. Please call again during our opening hours. Goodbye.",
    "Merci de votre appel. Nous sommes actuellement fermés. Merci de rappeler pendant nos heures d'ouverture. Au revoir.",
    "شكرًا لاتصالك. نحن مغلقون حاليًا. يرجى الاتصال مجددًا خلال ساعات العمل. مع السلامة.",
  );
  t["max-wait"] = L(
    "We are sorry, all of our agents are still busy and cannot take your call now. Please call again later. Goodbye.",
    "Nous sommes désolés, tous nos conseillers sont encore occupés et ne peuvent pas prendre votre appel. Merci de rappeler plus tard. Au revoir.",
    "نعتذر، جميع موظفينا ما زالوا مشغولين ولا يمكنهم الرد على مكالمتك الآن. يرجى الاتصال لاحقًا. مع السلامة.",
  );
  t["queue-full"] = L(
    "We are sorry, too many callers are waiting right now. Please call again in a few minutes. Goodbye.",
    "Nous sommes désolés, trop d'appelants patientent en ce moment. Merci de rappeler dans quelques minutes. Au revoir.",
    "نعتذر، هناك عدد كبير من المتصلين في الانتظار الآن. يرجى الاتصال بعد بضع دقائق. مع السلامة.",
  );
  t["no-operators"] = L(
    "We are sorry, no agent is available at the moment. Please call again later. Goodbye.",
    "Nous sommes désolés, aucun conseiller n'est disponible pour le moment. Merci de rappeler plus tard. Au revoir.",
    "نعتذر، لا يوجد موظف متاح في الوقت الحالي. يرجى الاتصال لاحقًا. مع السلامة.",
  );
  t["callback-registered"] = L(
    "We have noted your number and an agent will call you back as soon as possible. Goodbye.",
    "Nous avons noté votre numéro, un conseiller vous rappellera dès que possible. Au revoir.",
    "لقد سجلنا رقمك وسيتصل بك أحد موظفينا في أقرب وقت ممكن. مع السلامة.",
  );
  // Call recording (issue 13): played before the operator is connected when the call is recorded.
  t["recording-notice"] = L(
    "This call may be recorded for quality and training purposes.",
    "Cet appel peut être enregistré à des fins de qualité et de formation.",
    "قد يتم تسجيل هذه المكالمة لأغراض الجودة والتدريب.",
  );
  for (const n of RECORDED_POSITIONS) {
    t[`position-${n}`] = L(
      `You are number ${EN_NUMBERS[n]} in the queue.`,
      n === 1 ? "Vous êtes le premier dans la file d'attente." : `Vous êtes le ${FR_POSITIONS[n]} dans la file d'attente.`,
      `أنت ${AR_POSITIONS[n]} في قائمة الانتظار.`,
    );
  }
  t["position-many"] = L("There are many callers ahead of you.", "De nombreux appelants sont avant vous.", "هناك عدد كبير من المتصلين قبلك.");
  for (const n of RECORDED_WAIT_MINUTES) {
    t[`wait-${n}`] = L(
      `The estimated waiting time is about ${minutesPhrase("en", n)}.`,
      `Le temps d'attente estimé est d'environ ${minutesPhrase("fr", n)}.`,
      `مدة الانتظار المتوقعة حوالي ${minutesPhrase("ar", n)}.`,
    );
  }
  t["wait-long"] = L("The estimated waiting time is more than thirty minutes.", "Le temps d'attente estimé est de plus de trente minutes.", "مدة الانتظار المتوقعة أكثر من ثلاثين دقيقة.");
  // Hours (issue 11): "We are closed. We open again on Monday at nine o'clock in the morning. Goodbye."
  t["closed-now"] = L("Thank you for calling. We are currently closed.", "Merci de votre appel. Nous sommes actuellement fermés.", "شكرًا لاتصالك. نحن مغلقون حاليًا.");
  t["opens-today"] = L("We open again today", "Nous rouvrons aujourd'hui", "نفتح مجددًا اليوم");
  t["opens-tomorrow"] = L("We open again tomorrow", "Nous rouvrons demain", "نفتح مجددًا غدًا");
  WEEKDAY_NAMES.forEach((day, i) => {
    t[`opens-${day}`] = L(`We open again on ${DAYS.en[i]}`, `Nous rouvrons ${DAYS.fr[i]}`, `نفتح مجددًا يوم ${DAYS.ar[i]}`);
  });
  for (let hour = 0; hour < 24; hour++) {
    for (const minute of SPOKEN_MINUTES) t[timePrompt(hour, minute)] = `${timePhrase(language, hour, minute)}.`;
  }
  t["call-again"] = L("Please call again during our opening hours.", "Merci de rappeler pendant nos heures d'ouverture.", "يرجى الاتصال مجددًا خلال ساعات العمل.");
  t.goodbye = L("Goodbye.", "Au revoir.", "مع السلامة.");
  t["not-in-service-yet"] = L(
    "Thank you for calling. This number is not in service yet. Please call again later. Goodbye.",
    "Merci de votre appel. Ce numéro n'est pas encore en service. Merci de rappeler plus tard. Au revoir.",
    "شكرًا لاتصالك. هذا الرقم ليس في الخدمة بعد. يرجى الاتصال لاحقًا. مع السلامة.",
  );
  t["not-in-service-anymore"] = L(
    "Thank you for calling. This number is no longer in service. Goodbye.",
    "Merci de votre appel. Ce numéro n'est plus en service. Au revoir.",
    "شكرًا لاتصالك. هذا الرقم لم يعد في الخدمة. مع السلامة.",
  );
  // Caller menu (issue 11, point 4): one phrase per option, composed into the menu. A language option is spoken in
  // its own language (the file lives in that language's folder: "Pour le français, appuyez sur la touche deux").
  for (const digit of MENU_DIGITS) {
    const press = pressPhrase(language, digit);
    t[`menu-language-${digitName(digit)}`] = L(`For English, ${press}.`, `Pour le français, ${press}.`, `للعربية، ${press}.`);
    t[`menu-callback-${digitName(digit)}`] = L(
      `To leave your number and be called back, ${press}.`,
      `Pour laisser votre numéro et être rappelé, ${press}.`,
      `لترك رقمك ليتصل بك أحد موظفينا، ${press}.`,
    );
    t[`menu-press-${digitName(digit)}`] = `${press.charAt(0).toUpperCase()}${press.slice(1)}.`;
  }
  // Voicemail (issue 11, point 2): after the closed message, the tone (voicemail-beep.wav), the recording, then thanks.
  t["voicemail-leave"] = L(
    "Please leave your message after the tone.",
    "Veuillez laisser votre message après le bip.",
    "يرجى ترك رسالتك بعد سماع الصافرة.",
  );
  t["voicemail-thanks"] = L("Thank you for your message. Goodbye.", "Merci pour votre message. Au revoir.", "شكرًا على رسالتك. مع السلامة.");
  t["menu-invalid"] = L("Sorry, that choice is not valid.", "Désolé, ce choix n'est pas valide.", "عذرًا، هذا الاختيار غير صحيح.");
  return t;
}

const EN_DIGITS: Record<string, string> = { "0": "zero", "*": "star", "#": "hash" };
const FR_DIGITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"];
const AR_DIGITS = ["صفر", "واحد", "اثنين", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة"];

/** "press two", "appuyez sur la touche deux", "اضغط على الرقم اثنين" (star and hash keys by name). */
export function pressPhrase(language: PromptLanguage, digit: string): string {
  const n = Number(digit);
  if (language === "en") return `press ${EN_DIGITS[digit] ?? EN_NUMBERS[n]}`;
  if (language === "fr") return `appuyez sur la touche ${digit === "*" ? "étoile" : digit === "#" ? "dièse" : FR_DIGITS[n]}`;
  return digit === "*" ? "اضغط على زر النجمة" : digit === "#" ? "اضغط على زر المربع" : `اضغط على الرقم ${AR_DIGITS[n]}`;
}

/** The phrase of a menu option that sends the caller to a queue: "For Support, press one." (synthesised at run time). */
export function menuQueuePhrase(language: PromptLanguage, queueName: string, digit: string): string {
  const press = pressPhrase(language, digit);
  if (language === "fr") return `Pour ${queueName}, ${press}.`;
  if (language === "ar") return `لـ ${queueName}، ${press}.`;
  return `For ${queueName}, ${press}.`;
}

/** The default greeting of a number, from the organisation's name as said in the number's language. */
export function defaultGreeting(language: PromptLanguage, organisationName: string): string {
  if (language === "fr") return `Bienvenue sur la ligne de ${organisationName}. Veuillez patienter, nous vous mettons en relation avec le prochain conseiller disponible.`;
  if (language === "ar") return `مرحبًا بكم في الخط الساخن لـ ${organisationName}. يرجى الانتظار، سنحولك إلى أول موظف متاح.`;
  return `Welcome to the ${organisationName} hotline. Please hold while we connect you to the next available agent.`;
}
