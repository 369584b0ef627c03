// Everything top takes from Ink and React, in one module: the build bundles it (with Ink's and React's
// own dependencies, React's production build) into dist/ui-vendor.js, which loads about three times
// faster than Ink's hundred-odd ES modules one by one (src/build/bundle-ui.mjs).
export { Box, Text, render, useApp, useInput, useStdout } from 'ink';
export { createElement, useCallback, useEffect, useRef, useState } from 'react';
