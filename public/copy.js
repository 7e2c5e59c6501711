// The only script: a copy-to-clipboard button for the token shown once. Without it the
// token is still selectable in a read-only field; the button stays hidden.
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('button[data-copy-target]').forEach(function (button) {
    var field = document.getElementById(button.getAttribute('data-copy-target'));
    var status = document.querySelector('.copy-status');
    if (!field) return;
    button.hidden = false;
    field.addEventListener('focus', function () { field.select(); });
    button.addEventListener('click', function () {
      var done = function () {
        if (status) status.textContent = button.getAttribute('data-copied-label');
        button.textContent = button.getAttribute('data-copied-label');
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { field.select(); document.execCommand('copy'); done(); });
      } else {
        field.select();
        document.execCommand('copy');
        done();
      }
    });
  });
});
