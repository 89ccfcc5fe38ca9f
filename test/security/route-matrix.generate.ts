// `npm run security:matrix`: regenerates test/security/route-matrix.json from the running app, for
// review. The suite (route-matrix.test.ts) fails until the committed file matches the app.
import { computeMatrix, MATRIX_FILE, writeMatrixFile } from './support/matrix';
import { createWorld } from './support/world';

async function main(): Promise<void> {
  const world = await createWorld();
  try {
    const matrix = await computeMatrix(world);
    writeMatrixFile(matrix);
    console.log(
      `wrote ${Object.keys(matrix).length} routes to ${MATRIX_FILE}; review the diff before committing`,
    );
  } finally {
    await world.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
