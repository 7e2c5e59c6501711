import nodemailer from 'nodemailer';

/** One message: plain text and HTML, to one address. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends mail; rejects when the server refuses or cannot be reached (the caller retries). */
export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * SMTP through nodemailer: `smtp://` (STARTTLS when offered) or `smtps://` (TLS from the start),
 * credentials in the URL. Connections and replies are bounded, so a stuck server fails an attempt
 * (retried later) instead of holding it.
 */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
    close() {
      transport.close();
    },
  };
}
