import { createInterface } from 'node:readline/promises';
import { prepareDatabase } from '../bootstrap.js';
import { loadConfig } from '../config.js';
import { exitOnDataDirLocked } from '../db/data-dir-lock.js';
import { identityService } from '../modules/identity/service.js';
import { AppError } from '../shared/errors.js';
import { createMailer } from '../shared/mailer.js';

// Usage: npm run create-admin -- --email a@b.fr --prenom Ada --nom Lovelace  (password asked, or ADMIN_PASSWORD)
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// The database first: an embedded base held by another process is refused before the questions,
// not after them.
const config = loadConfig();
const handle = await prepareDatabase(config).catch(exitOnDataDirLocked);
try {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const ask = async (question: string, value: string | undefined) => value ?? (await rl.question(question));
  const email = await ask('Adresse électronique : ', arg('email'));
  const firstName = await ask('Prénom : ', arg('prenom'));
  const lastName = await ask('Nom : ', arg('nom'));
  const password = await ask(
    'Mot de passe (12 caractères, majuscules, minuscules, chiffres, symboles) : ',
    process.env.ADMIN_PASSWORD,
  );
  rl.close();
  const service = identityService({
    db: handle.db,
    mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }),
    secret: config.secret,
    publicUrl: config.publicUrl,
    sessionTtlHours: config.sessionTtlHours,
  });
  await service.createSuperAdmin({
    email: email.trim(),
    firstName: firstName.trim(),
    lastName: lastName.trim(),
    password,
  });
  console.log(`Super-administrateur créé : ${email}`);
} catch (error) {
  console.error(error instanceof AppError ? `Erreur (${error.field}) : ${error.message}` : error);
  process.exitCode = 1;
} finally {
  await handle.close();
}
