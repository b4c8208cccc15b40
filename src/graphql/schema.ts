import { builder } from './builder.js';
import './user.js';
import './data-source.js';
import './content.js';
import './authorization.js';
import './audit.js';

/** Imports every type file (each registers a type and its root fields) and builds the schema. */
export const schema = builder.toSchema({ sortSchema: true });
