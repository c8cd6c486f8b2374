import { CSV_HEADER_LINE, csvField, csvText, type ExportUnit, exportRow, headerLine, layoutRow, xeroTaxType } from './finance-export-csv.js';

const unit = (overrides: Partial<ExportUnit> = {}): ExportUnit => ({
  document_number: 'INV-000001',
  document_type: 'invoice',
  issue_date: '2026-11-26',
  due_date: '2026-12-26',
  customer_code: 'CAMBS',
  customer_name: 'Cambridgeshire County Council',
  po_number: 'PO-1',
  budget_reference: 'PB-1',
  description: 'Arts Pioneers, Autumn 2026',
  quantity: 1,
  unit_pence: 45000,
  net_pence: 45000,
  vat_pence: 9000,
  ...overrides,
});

describe('the finance export CSV', () => {
  it('has the ledger’s header', () => {
    expect(CSV_HEADER_LINE).toBe(
      'document_number,document_type,issue_date,due_date,customer_code,customer_name,po_number,budget_reference,description,quantity,unit_price,net_amount,vat_amount,gross_amount\r\n',
    );
  });

  it('writes amounts in pounds with two decimals', () => {
    expect(exportRow(unit())).toBe(
      'INV-000001,invoice,2026-11-26,2026-12-26,CAMBS,Cambridgeshire County Council,PO-1,PB-1,"Arts Pioneers, Autumn 2026",1,450.00,450.00,90.00,540.00\r\n',
    );
  });

  it('makes a credit note’s amounts negative', () => {
    expect(exportRow(unit({ document_number: 'CN-000001', document_type: 'credit_note', po_number: null, vat_pence: 5 }))).toBe(
      'CN-000001,credit_note,2026-11-26,2026-12-26,CAMBS,Cambridgeshire County Council,,PB-1,"Arts Pioneers, Autumn 2026",1,-450.00,-450.00,-0.05,-450.05\r\n',
    );
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
  });
});

describe('CSV injection (OWASP): text that a spreadsheet would run as a formula', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+SUM(A1:A9)', "'+SUM(A1:A9)"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\t=1+2', "'\t=1+2"],
    ['\r=1+2', "'\r=1+2"],
    ['Sam Smith', 'Sam Smith'],
    ['O’Brien = fine', 'O’Brien = fine'],
    ['', ''],
  ])('%j → %j', (text, written) => {
    expect(csvText(text)).toBe(written);
  });

  it('neutralises every text field, quotes as CSV requires, and leaves the amounts as numbers', () => {
    const row = exportRow(
      unit({
        document_type: 'credit_note',
        customer_name: '=1+2',
        customer_code: '@cmd',
        po_number: '+SUM(A1:A9)',
        budget_reference: '=cmd|"/c calc"!A1',
        description: '=HYPERLINK("http://evil.example","Arts Pioneers")',
        unit_pence: 1250,
        net_pence: 1250,
        vat_pence: 0,
      }),
    );
    expect(row).toBe(
      'INV-000001,credit_note,2026-11-26,2026-12-26,\'@cmd,\'=1+2,\'+SUM(A1:A9),"\'=cmd|""/c calc""!A1",' +
        '"\'=HYPERLINK(""http://evil.example"",""Arts Pioneers"")",1,-12.50,-12.50,0.00,-12.50\r\n',
    );
  });
});

describe('the export layouts', () => {
  const u = unit({ council_id: 'MOSAIC-7', vat_treatment: 'standard', vat_rate_basis_points: 2000, nominal_code: '4010', department_code: 'SB', recipient_type: 'commissioner' });

  it('standard-v2 is the v1 row then council client id, VAT code and ledger codes', () => {
    expect(layoutRow('standard-v2', u)).toBe(exportRow(u).replace(/\r\n$/, ',MOSAIC-7,S,4010,SB\r\n'));
    expect(headerLine('standard-v2')).toBe(CSV_HEADER_LINE.replace(/\r\n$/, ',council_client_id,vat_code,nominal_code,department_code\r\n'));
    expect(layoutRow('standard-v2', unit({ vat_treatment: 'exempt' }))).toMatch(/,,E,,\r\n$/);
  });

  it('xero names Xero UK’s tax rates', () => {
    expect(xeroTaxType({ vat_treatment: 'standard', vat_rate_basis_points: 2000 })).toBe('20% (VAT on Income)');
    expect(xeroTaxType({ vat_treatment: 'standard', vat_rate_basis_points: 500 })).toBe('5% (VAT on Income)');
    expect(xeroTaxType({ vat_treatment: 'exempt' })).toBe('Exempt Income');
    expect(xeroTaxType({ vat_treatment: 'zero' })).toBe('Zero Rated Income');
    expect(xeroTaxType({ vat_treatment: 'outside_scope' })).toBe('No VAT');
  });

  it('xero writes UK dates, tax-exclusive unit amounts, the PO as reference and credit notes as negative quantities', () => {
    expect(layoutRow('xero', u)).toBe(
      'Cambridgeshire County Council,,,,,,,,,,INV-000001,PO-1,26/11/2026,26/12/2026,,"Arts Pioneers, Autumn 2026 (PB-1 / MOSAIC-7)",1,450.00,,4010,20% (VAT on Income),Department,SB,,,GBP,\r\n',
    );
    const holder = unit({ document_type: 'credit_note', quantity: 2, unit_pence: 3333, recipient_type: 'budget_holder', recipient_address: '12 Mill Road\nCambridge\nCB1 2AB', customer_name: 'Sam Jones' });
    expect(layoutRow('xero', holder)).toMatch(/^Sam Jones,,12 Mill Road,Cambridge,,,,,CB1 2AB,,INV-000001,PO-1,.*,-2,33\.33,,,Exempt Income,,,,,GBP,\r\n$/);
  });
});

describe('the layouts keep the CSV injection guard', () => {
  const hostile = unit({ customer_name: '=1+2', council_id: '@cmd', nominal_code: '+4010', department_code: '-SB', description: '=HYPERLINK("x")' });
  it('standard-v2 neutralises its new text columns', () => {
    expect(layoutRow('standard-v2', hostile)).toMatch(/,'@cmd,E,'\+4010,'-SB\r\n$/);
  });
  it('xero neutralises every text field', () => {
    const row = layoutRow('xero', hostile);
    expect(row.startsWith("'=1+2,")).toBe(true);
    expect(row).toContain(`"'=HYPERLINK(""x"") (PB-1 / @cmd)"`);
    expect(row).toContain(",'+4010,");
  });
});
