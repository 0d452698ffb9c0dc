import { cpSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

/**
 * A copy of a generated city whose list read models hold `times` copies of every enterprise and
 * of its applications, stages, licences, inspections and cases, under codes and ids of their own
 * (codes from Z01…, which no credit code starts with): what the lists and their indexes meet at
 * a size the generator cannot reach in an hour. Only the read models grow; the chain, the state
 * and the log are the city's, so the nodes open it as they open the city, and a dossier is asked
 * only of the city's own enterprises. Filings and scores are not copied: the enterprise search
 * joins them and shows none for a copy.
 *
 *   npx tsx bench/city/inflate.ts --city /tmp/lists-city --out /tmp/lists-big --times 100
 */
const DEPTS = ['service', 'housing', 'market', 'enforcement'];

export function inflate(city: string, out: string, times: number, depts = DEPTS): void {
  mkdirSync(out, { recursive: true });
  cpSync(city, out, { recursive: true });
  for (const dept of depts) {
    const db = new Database(join(out, `${dept}.sqlite`));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const copy = db.transaction((k: number) => {
      const code = `printf('Z%02d', ${k}) || substr(code, 4)`;
      const id = (col: string) => `${col} || '-${k}'`;
      db.exec(`insert into ap_enterprises (code, name, status, current_key, registered_at, json)
        select ${code}, name || '${k}', status, current_key, registered_at, json_set(json, '$.code', ${code}) from ap_enterprises where code like '91%'`);
      db.exec(`insert into ap_applications (id, code, process, status, submitted_at, json)
        select ${id('id')}, ${code}, process, status, submitted_at + ${k}, json_set(json, '$.id', ${id('id')}, '$.code', ${code}, '$.submittedAt', submitted_at + ${k}) from ap_applications where code like '91%'`);
      db.exec(`insert into ap_stages (app_id, stage_id, code, dept, status, app_status, name, opened_at, due_at)
        select ${id('app_id')}, stage_id, ${code}, dept, status, app_status, name, opened_at, due_at + ${k} from ap_stages where code like '91%'`);
      db.exec(`insert into ap_licences (id, code, dept, status, valid_to, json)
        select ${id('id')}, ${code}, dept, status, valid_to, json_set(json, '$.id', ${id('id')}, '$.code', ${code}) from ap_licences where code like '91%'`);
      for (const t of ['ap_inspections', 'ap_cases']) {
        const cols = t === 'ap_inspections' ? 'dept, status, app_id, due_at' : 'dept, origin_dept, status';
        db.exec(`insert into ${t} (id, code, ${cols}, json)
          select ${id('id')}, ${code}, ${cols}, json_set(json, '$.id', ${id('id')}, '$.code', ${code}) from ${t} where code like '91%'`);
      }
    });
    for (let k = 1; k <= times; k++) copy(k);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: a } = parseArgs({ options: { city: { type: 'string', default: 'data/city' }, out: { type: 'string' }, times: { type: 'string', default: '100' } } });
  const t0 = performance.now();
  inflate(resolve(a.city!), resolve(a.out!), Number(a.times));
  console.log(`read models × ${1 + Number(a.times)} in ${((performance.now() - t0) / 1000).toFixed(0)} s into ${resolve(a.out!)}`);
}
