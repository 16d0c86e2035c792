// Loaded before every test file: decorators need the metadata polyfill, as in each executable's composition root.
require('reflect-metadata');
