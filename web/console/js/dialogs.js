// Modal dialogs on the native <dialog> element: showModal() makes the rest
// of the page inert, keeps Tab inside and closes on Escape; this adds
// [data-close] buttons and gives focus back to what opened the dialog.

export function openDialog(dialog, {focus} = {}) {
  const opener = document.activeElement;
  dialog.addEventListener('close', () => {
    if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
  }, {once: true});
  for (const button of dialog.querySelectorAll('[data-close]')) {
    button.onclick = () => dialog.close('cancel');
  }
  dialog.showModal();
  if (focus) focus.focus();
}

// A yes/no dialog (its submit buttons carry value="yes" / "no"); resolves to
// true for yes.
export function confirmDialog(dialog) {
  return new Promise((resolve) => {
    dialog.returnValue = '';
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), {once: true});
    openDialog(dialog, {focus: dialog.querySelector('[value="no"]')});
  });
}

export function showError(node, text) {
  node.textContent = text;
  node.hidden = !text;
}
