import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** SMTP when SMTP_URL is configured; otherwise each mail is printed on the console (demo, development). */
export function createMailer(options: {
  smtpUrl: string | null;
  from: string;
  log?: (line: string) => void;
}): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return { send: async (mail) => void (await transport.sendMail({ from: options.from, ...mail })) };
  }
  const log = options.log ?? ((line: string) => console.log(line));
  return {
    async send(mail) {
      log(
        `\n📧 Courriel (non envoyé, SMTP_URL absent) à ${mail.to}\nObjet : ${mail.subject}\n\n${mail.text}\n`,
      );
    },
  };
}

/** Keeps mails in memory: tests read the links they contain. */
export function memoryMailer(): Mailer & { sent: Mail[] } {
  const sent: Mail[] = [];
  return { sent, send: async (mail) => void sent.push(mail) };
}
