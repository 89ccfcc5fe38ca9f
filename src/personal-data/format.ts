// Date-and-time text in WIB for the personal-data pages.
export function dateTimeFormatter(lang: string): (date: Date | string) => string {
  const format = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Asia/Jakarta',
  });
  return (date) => format.format(new Date(date));
}
