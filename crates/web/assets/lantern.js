// Switches on the NHS.UK frontend's components (error summary focus, header menu, character
// counts, responsive tables). Every page works without it.
import { initAll } from '/assets/nhsuk-frontend-10.6.1.min.js';

document.body.classList.add('nhsuk-frontend-supported');
initAll();
