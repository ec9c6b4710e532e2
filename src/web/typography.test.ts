import { describe, expect, it } from 'vitest';
import { formatCount, formatDate, formatDateTime, formatNumber } from './format.js';
import { frenchHtml, frenchText, NBSP, NNBSP } from './typography.js';

describe('frenchText', () => {
  it('puts a non-breaking space before : and a narrow one before ; ! ?', () => {
    expect(frenchText('Date : demain')).toBe(`Date${NBSP}: demain`);
    expect(frenchText('Note: demain')).toBe(`Note${NBSP}: demain`);
    expect(frenchText('Vraiment ? Oui ! Bon ; fin')).toBe(`Vraiment${NNBSP}? Oui${NNBSP}! Bon${NNBSP}; fin`);
    expect(frenchText('Agissez-vous?')).toBe(`Agissez-vous${NNBSP}?`);
  });

  it('leaves hours, addresses and entities alone', () => {
    expect(frenchText('à 10:30 sur https://exemple.fr/?q=1')).toBe('à 10:30 sur https://exemple.fr/?q=1');
    expect(frenchText('Emploi &amp; formation')).toBe('Emploi &amp; formation');
  });

  it('puts non-breaking spaces inside guillemets and the typographic apostrophe', () => {
    expect(frenchText('« Bonjour »')).toBe(`«${NBSP}Bonjour${NBSP}»`);
    expect(frenchText('«Bonjour»')).toBe(`«${NBSP}Bonjour${NBSP}»`);
    expect(frenchText("l'offre d'aujourd'hui")).toBe('l’offre d’aujourd’hui');
  });

  it('elides before a vowel, not before an aspirated h or onze', () => {
    expect(frenchText('à 30 km de Annonay')).toBe('à 30 km d’Annonay');
    expect(frenchText('de Orléans, de Yssingeaux, de Île-de-France')).toBe(
      'd’Orléans, d’Yssingeaux, d’Île-de-France',
    );
    expect(frenchText('jusque au bout, que il vienne')).toBe('jusqu’au bout, qu’il vienne');
    expect(frenchText('de Hautes-Alpes, de onze, de Lyon, modèle')).toBe(
      'de Hautes-Alpes, de onze, de Lyon, modèle',
    );
  });

  it('contracts de / à with the article of a commune’s name, not a pronoun', () => {
    expect(frenchText('près de Le Puy-en-Velay')).toBe('près du Puy-en-Velay');
    expect(frenchText('à Les Abrets')).toBe('aux Abrets');
    expect(frenchText('à Le Chambon')).toBe('au Chambon');
    expect(frenchText('de La Rochelle')).toBe('de La Rochelle');
    expect(frenchText('afin de le faire')).toBe('afin de le faire');
  });

  it('is idempotent', () => {
    const once = frenchText("« Oui » : l'an de Annonay ? de Le Puy !");
    expect(frenchText(once)).toBe(once);
  });
});

describe('frenchHtml', () => {
  it('changes text and text attributes, not code, scripts or form values', () => {
    const page =
      '<title>Erreur : x</title><p title="Aide : ici">Membres de <span>Agence Annonay</span> ?</p>' +
      '<code>Authorization : Bearer</code><script>a ? b : c</script>' +
      '<input value="de Annonay : x" placeholder="Ex. : Lyon">';
    expect(frenchHtml(page)).toBe(
      `<title>Erreur${NBSP}: x</title><p title="Aide${NBSP}: ici">Membres d’<span>Agence Annonay</span>${NNBSP}?</p>` +
        '<code>Authorization : Bearer</code><script>a ? b : c</script>' +
        `<input value="de Annonay : x" placeholder="Ex.${NBSP}: Lyon">`,
    );
  });

  it('turns an escaped apostrophe into the typographic one', () => {
    expect(frenchHtml('<p>l&#39;offre</p>')).toBe('<p>l’offre</p>');
  });
});

describe('French formats', () => {
  it('writes a day in words and a moment in Paris time', () => {
    expect(formatDate('2027-01-04')).toBe('4 janvier 2027');
    expect(formatDate(null)).toBe('');
    // 8:05 UTC in winter is 9:05 in Paris.
    expect(formatDateTime('2027-01-04T08:05:00Z')).toBe(`4 janvier 2027 à 9${NBSP}h${NBSP}05`);
    expect(formatDateTime(null)).toBe('—');
  });

  it('writes numbers with French separators and counts in agreement', () => {
    expect(formatNumber(12345)).toBe(`12${NNBSP}345`);
    expect(formatNumber(3.5, 2)).toBe('3,50');
    expect(formatCount(0, 'formation', 'formations', 'Aucune formation')).toBe('Aucune formation');
    expect(formatCount(1, 'formation')).toBe('1\u00a0formation');
    expect(formatCount(1200, 'formation')).toBe(`1${NNBSP}200\u00a0formations`);
  });
});
