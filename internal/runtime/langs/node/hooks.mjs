// ES module resolve hook of hako's Node.js runtime client. ES modules ignore
// NODE_PATH; on Lambda their bare imports still find packages in the layers
// and the runtime's bundled AWS SDK. This hook retries a bare specifier that
// was not found from each of those directories (layers under $HAKO_OPT_DIR,
// then the host's global node_modules).

import path from 'node:path';
import { pathToFileURL } from 'node:url';

let parents = [];

export function initialize(data) {
  parents = (data?.dirs || [])
    .filter((d) => path.basename(d) === 'node_modules')
    .map((d) => pathToFileURL(path.join(path.dirname(d), 'hako-resolve.mjs')).href);
}

function isBare(specifier) {
  return !(
    specifier.startsWith('./') ||
    specifier.startsWith('../') ||
    specifier.startsWith('/') ||
    specifier.startsWith('#') ||
    /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(specifier)
  );
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier)) throw err;
    for (const parentURL of parents) {
      try {
        return await nextResolve(specifier, { ...context, parentURL });
      } catch (_) {
        // try the next directory
      }
    }
    throw err;
  }
}
