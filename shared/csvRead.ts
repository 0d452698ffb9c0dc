/**
 * Reads CSV as RFC 4180 writes it, and as spreadsheet programs save it: quoted cells with `""`
 * for a quote, line breaks inside quotes, CRLF or LF lines, a UTF-8 byte order mark. Returns
 * each record's cells and the line it starts on (for error reports). Undefined when a quote is
 * never closed or text follows a closing quote: the file is not CSV.
 */
export function readCsv(text: string): { line: number; cells: string[] }[] | undefined {
  const out: { line: number; cells: string[] }[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let cells: string[] = [];
  let start = line;
  while (i <= text.length) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) return undefined;
        const c = text[i++];
        if (c === '"') {
          if (text[i] === '"') {
            cell += '"';
            i++;
          } else break;
        } else {
          if (c === '\n') line++;
          cell += c;
        }
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') return undefined;
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') cell += text[i++];
    }
    cells.push(cell);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    i++;
    // a blank line (one empty cell) is no record
    if (cells.length > 1 || cells[0] !== '') out.push({ line: start, cells });
    cells = [];
    line++;
    start = line;
  }
  return out;
}
