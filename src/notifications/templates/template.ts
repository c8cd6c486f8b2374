/** Who the emails come from, as configuration names them (AppConfig.provider). */
export interface ProviderContact {
  name: string;
  email?: string;
  phone?: string;
  addressLines: string[];
}

/** A message rendered from a kind's template: subject, plain text and HTML. */
export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

/** A kind's template: paragraphs of plain text (HTML is made from the same paragraphs, escaped). */
export interface Template<D> {
  subject(data: D, provider: ProviderContact): string;
  /** The body's paragraphs, without greeting nor signature (the layout adds them). */
  paragraphs(data: D, provider: ProviderContact): string[];
  /** Whom the greeting names (absent: "Hello,"). */
  greet?(data: D): string | undefined;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** "Saturday 10 October 2026" for a calendar date (YYYY-MM-DD). */
export function longDate(date: unknown): string {
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(date)) return String(date ?? '');
  return new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${date.slice(0, 10)}T12:00:00Z`),
  ).replace(',', ''); // ICU versions differ on "Saturday, 12 December"
}

/** The signature: the provider's name and how to reach them. */
function signature(provider: ProviderContact): string[] {
  const lines = [provider.name, ...provider.addressLines];
  if (provider.phone) lines.push(`Telephone: ${provider.phone}`);
  if (provider.email) lines.push(`Email: ${provider.email}`);
  return lines;
}

/** The common layout of every email: greeting, paragraphs, signature; text and HTML from the same words. */
export function render<D>(template: Template<D>, data: D, provider: ProviderContact): RenderedMessage {
  const name = template.greet?.(data);
  const greeting = name ? `Dear ${name},` : 'Hello,';
  const paragraphs = template.paragraphs(data, provider);
  const sign = signature(provider);
  const text = [greeting, ...paragraphs, ['With best wishes,', ...sign].join('\n')].join('\n\n') + '\n';
  const html =
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(template.subject(data, provider))}</title></head>\n` +
    `<body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; color: #1b1b1b;">\n` +
    [greeting, ...paragraphs].map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('\n') +
    `\n<p>With best wishes,<br>${sign.map(escapeHtml).join('<br>')}</p>\n</body></html>\n`;
  return { subject: template.subject(data, provider), text, html };
}
