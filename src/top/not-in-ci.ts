// Stands in for the `is-in-ci` package inside the UI bundle. Ink reads it to paint only the last frame,
// on exit, when CI or CONTINUOUS_INTEGRATION is set; `top` runs only on a terminal, so a CI variable
// inherited by an operator's shell (or a CI job driving a terminal) must not leave the screen blank.
const isInCi = false;
export default isInCi;
