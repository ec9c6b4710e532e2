/**
 * Opening hours in the OpenStreetMap syntax (« Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00 »),
 * which the data·inclusion schema requires for `horaires_accueil`, read out in French for the people
 * who come (« du lundi au vendredi de 9 h à 12 h et de 14 h à 17 h ; le samedi de 9 h à 12 h »).
 * Only the common subset is read (days, day ranges, time ranges, « off », « 24/7 », public holidays
 * « PH off »); anything else (weeks, months, comments) gives null and the page shows the text as given.
 */
const DAYS: Record<string, string> = {
  Mo: 'lundi',
  Tu: 'mardi',
  We: 'mercredi',
  Th: 'jeudi',
  Fr: 'vendredi',
  Sa: 'samedi',
  Su: 'dimanche',
};

function time(t: string): string | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(t);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59) return null;
  return min ? `${h} h ${String(min).padStart(2, '0')}` : `${h} h`;
}

function days(spec: string): string | null {
  const parts = spec.split(',').map((part) => {
    const range = /^(Mo|Tu|We|Th|Fr|Sa|Su)-(Mo|Tu|We|Th|Fr|Sa|Su)$/.exec(part);
    if (range) return `du ${DAYS[range[1]!]} au ${DAYS[range[2]!]}`;
    if (part in DAYS) return `le ${DAYS[part]}`;
    if (part === 'PH') return 'les jours fériés';
    return null;
  });
  if (parts.some((p) => p === null)) return null;
  return parts.join(', ');
}

function times(spec: string): string | null {
  if (spec === 'off' || spec === 'closed') return 'fermé';
  const ranges = spec.split(',').map((r) => {
    const [from, to] = r.split('-');
    const a = from ? time(from) : null;
    const b = to ? time(to) : null;
    return a && b ? `de ${a} à ${b}` : null;
  });
  if (ranges.some((r) => r === null)) return null;
  return ranges.join(' et ');
}

export function openingHoursInFrench(value: string | null | undefined): string | null {
  const text = (value ?? '').trim();
  if (!text) return null;
  if (text === '24/7') return 'tous les jours, 24 h sur 24';
  const rules = text
    .split(';')
    .map((r) => r.trim())
    .filter(Boolean)
    .map((rule) => {
      const m = /^([A-Za-z,-]+)\s+(.+)$/.exec(rule);
      if (!m) return null;
      const d = days(m[1]!);
      const t = times(m[2]!.replace(/\s+/g, ''));
      return d && t ? (t === 'fermé' ? `fermé ${d}` : `${d} ${t}`) : null;
    });
  if (!rules.length || rules.some((r) => r === null)) return null;
  const sentence = rules.join(' ; ');
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
