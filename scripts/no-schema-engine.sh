#!/bin/sh
# Prisma CLI wants a native schema engine it cannot download offline; generate/validate never run it.
echo "schema engine not available offline: use npm run migration:create" >&2
exit 1
