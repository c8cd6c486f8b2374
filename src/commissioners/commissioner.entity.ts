import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A local authority that buys places. */
@Entity('commissioners')
export class Commissioner {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') code: string;
  @Column({ name: 'invoice_email', type: 'text', nullable: true }) invoiceEmail: string | null;
  @Column({ name: 'send_invoices_by_email', type: 'boolean', default: false }) sendInvoicesByEmail: boolean;
  @Column({ type: 'text', nullable: true }) address: string | null;
  @Column({ name: 'payment_terms_days', type: 'integer' }) paymentTermsDays: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
