// Small enhancements over pages that work without JavaScript (issue 9 §6).
// A « Copier » button copies the value of the field it names (data-copie="id"); the field stays a
// readonly input, selectable by hand, when the clipboard is not available.
for (const button of document.querySelectorAll('button[data-copie]')) {
  button.addEventListener('click', async () => {
    const field = document.getElementById(button.dataset.copie);
    if (!field) return;
    const status = document.getElementById(`${button.dataset.copie}-statut`);
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = 'Jeton copié dans le presse-papiers.';
    } catch {
      field.select();
      if (status) status.textContent = 'Copie impossible : le jeton est sélectionné, copiez-le avec Ctrl+C.';
    }
  });
}
