import { formatSterling } from '../../common/money.js';
import { longDate, type Template } from './template.js';

export interface InvoiceIssuedData {
  documentNumber: string;
  recipientName?: string;
  issueDate: string;
  dueDate: string;
  totalPence: number | string;
  poNumber?: string | null;
}

/** An invoice issued by a billing run, attached as a PDF. */
export const invoiceIssued: Template<InvoiceIssuedData> = {
  subject: (d, provider) => `Invoice ${d.documentNumber} from ${provider.name}`,
  greet: (d) => d.recipientName,
  paragraphs: (d) => [
    `Please find attached invoice ${d.documentNumber}${d.poNumber ? ` (your reference ${d.poNumber})` : ''}, issued on ${longDate(d.issueDate)}, ` +
      `for ${formatSterling(Number(d.totalPence))}, due by ${longDate(d.dueDate)}.`,
    `Payment details are on the invoice. Please quote the invoice number with your payment.`,
  ],
};
