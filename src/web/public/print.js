// The print button of the training sheet: a script file, since the content security policy
// refuses inline handlers. Without JavaScript the button does nothing and the browser's own print
// command prints the same sheet (app.css hides the header, footer and buttons on paper).
for (const button of document.querySelectorAll('[data-psl-print]'))
  button.addEventListener('click', () => window.print());
