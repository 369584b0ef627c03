#!/usr/bin/env node
import '../dist/main.bundle.js';
