import { describe, expect, it } from 'vitest';
import { csvField, notContactedCsvHeader, notContactedCsvLine } from './csv.ts';

describe('ELIG-21 the not-contacted CSV', () => {
  it.each([
    ['Rossi', 'Rossi'],
    ["D'Amico", "D'Amico"],
    ['De Luca; Bianchi', '"De Luca; Bianchi"'],
    ['"Nino"', '"""Nino"""'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+39', "'+39"],
    ['-1', "'-1"],
    ['@SUM', "'@SUM"],
  ])('ELIG-21 the field %s is written as %s (no formula runs in the spreadsheet)', (value, written) => {
    expect(csvField(value)).toBe(written);
  });

  it('ELIG-21 a line per person after a header with a BOM, semicolons and CRLF', () => {
    expect(notContactedCsvHeader()).toBe(
      '\uFEFFposizione;id_persona;cognome;nome;data_nascita;comune_istat;priorita;origine;prossimo_passo;messaggi_scritti;messaggi_falliti;telefonate;esito_ultima_telefonata\r\n',
    );
    expect(
      notContactedCsvLine({
        rank: 3,
        person_id: 17,
        surname: 'Rossi',
        given_name: 'Maria',
        birth_date: '1940-02-03',
        municipality_istat: '019036',
        priority: 1,
        origin: 'gp_report',
        next_step: 'call',
        messages_written: 2,
        messages_failed: 1,
        calls: 0,
        last_call_outcome: null,
      }),
    ).toBe('3;17;Rossi;Maria;1940-02-03;019036;1;gp_report;call;2;1;0;\r\n');
  });
});
