// A little progressive help; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Choosing a session in a picker shows it at once, instead of waiting for "Show".
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  // A form sent back with an error lands on it: the first field in error gets the focus,
  // in the middle of the screen, however far down the page it is.
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) {
    const field = invalid.matches("fieldset") ? invalid.querySelector("input, select, textarea") : invalid;
    if (field) field.focus({ preventScroll: true });
    invalid.scrollIntoView({ block: "center" });
    return;
  }
  const alert = document.querySelector("main .error[role='alert']");
  if (alert) alert.scrollIntoView({ block: "center" });
});
