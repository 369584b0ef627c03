// Stands in for react-devtools-core in the bundled UI: Ink connects to React DevTools only when DEV
// is set, and loonctl never ships the DevTools client.
export default {
  initialize(): void {},
  connectToDevTools(): void {},
};
