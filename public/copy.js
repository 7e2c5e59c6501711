// The only script: copy-to-clipboard buttons for values shown once (token, client secret).
// Without it the value is still selectable in a read-only field; the buttons stay hidden.
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('button[data-copy-target]').forEach(function (button) {
    var field = document.getElementById(button.getAttribute('data-copy-target'));
    var box = button.closest('.secret');
    var status = box ? box.querySelector('.copy-status') : null;
    if (!field) return;
    button.hidden = false;
    field.addEventListener('focus', function () { field.select(); });
    button.addEventListener('click', function () {
      var done = function () {
        if (status) status.textContent = button.getAttribute('data-copied-label');
        button.textContent = button.getAttribute('data-copied-label');
      };
      var fallback = function () { field.select(); document.execCommand('copy'); done(); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, fallback);
      } else {
        fallback();
      }
    });
  });
});
