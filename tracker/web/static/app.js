// A little progressive help; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Choosing a session in a picker shows it at once, instead of waiting for "Show".
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
});
