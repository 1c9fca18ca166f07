#!/usr/bin/env node
// Builds the native kernels addon (npm run build:native) for this machine's vector unit (-march=native).
// Needs node-gyp's toolchain: g++, make and python3.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rebuild } from '../gyp.mjs';

process.exit(rebuild(dirname(fileURLToPath(import.meta.url))));
