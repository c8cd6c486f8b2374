import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppConfig } from '../config/app-config.js';

/** One message as the mailer sends it. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Our own Message-ID: a resend of the same notification (a worker killed after the server accepted) carries the same one. */
  messageId: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

/** The SMTP path (nodemailer to SMTP_URL, from MAIL_FROM); absent when SMTP_URL is unset. */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly transport?: Transporter;

  constructor(private readonly config: AppConfig) {
    const { smtpUrl, sendTimeoutMs } = config.mail;
    if (smtpUrl) {
      this.transport = nodemailer.createTransport({
        url: smtpUrl,
        connectionTimeout: sendTimeoutMs,
        greetingTimeout: sendTimeoutMs,
        socketTimeout: sendTimeoutMs,
      });
    }
  }

  get configured(): boolean {
    return this.transport !== undefined;
  }

  /** The domain of our Message-IDs: MAIL_FROM's. */
  get domain(): string {
    return /@([^\s>]+)>?\s*$/.exec(this.config.mail.from)?.[1] ?? 'localhost';
  }

  /** Sends one message; answers the Message-ID the SMTP server accepted it under, or throws. */
  async send(mail: OutgoingMail): Promise<string> {
    if (!this.transport) throw new Error('No SMTP_URL is configured');
    const info = await this.transport.sendMail({ from: this.config.mail.from, ...mail });
    if (info.rejected?.length) throw new Error(`The SMTP server refused the recipient`);
    return info.messageId ?? mail.messageId;
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
