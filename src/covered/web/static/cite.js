// The "Copy citation" button of a record page: copies the citation's text, or selects it for Ctrl+C where
// the browser refuses clipboard access (plain HTTP, older browsers).
(function () {
  "use strict";
  var button = document.getElementById("copy-citation");
  if (!button) { return; }
  var text = document.getElementById(button.getAttribute("data-target"));
  var done = document.getElementById("copy-done");
  function selectIt() {
    text.focus();
    text.select();
    done.textContent = "Selected: press Ctrl+C to copy.";
  }
  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text.value).then(function () {
        done.textContent = "Copied.";
      }, selectIt);
    } else {
      selectIt();
    }
  });
}());
