// kzreg's few behaviours on top of plain HTML (docs/cabinet.md): every page works without them.
// Served from kzreg itself; the content security policy forbids inline scripts, so everything is here.
(function () {
  "use strict";

  // Confirmation before anything that costs money, deletes or is logged: <form data-confirm="question">.
  // Without scripts the form submits straight away to a page that asks again (the server never trusts this).
  function confirmBeforeSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm || form.dataset.confirmed === "yes") {
      return;
    }
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      return;
    }
    event.preventDefault();
    document.getElementById("confirm-dialog-text").textContent = form.dataset.confirm;
    dialog.returnValue = "";
    dialog.addEventListener("close", function onClose() {
      dialog.removeEventListener("close", onClose);
      if (dialog.returnValue === "confirm") {
        form.dataset.confirmed = "yes";
        if (typeof form.requestSubmit === "function") {
          form.requestSubmit(event.submitter || undefined);
        } else {
          form.submit();
        }
      }
    });
    dialog.showModal();
  }
  document.addEventListener("submit", confirmBeforeSubmit, true);
})();
