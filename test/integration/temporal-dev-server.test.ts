import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

describe('the Temporal dev server started for the suite', () => {
  it('is reachable and has every search attribute the product uses', async () => {
    const address = process.env.TEMPORAL_TEST_ADDRESS;
    expect(address).toBeTruthy();
    const conn = await Connection.connect({ address });
    try {
      const res = await conn.operatorService.listSearchAttributes({ namespace: 'default' });
      expect(Object.keys(res.customAttributes ?? {})).toEqual(expect.arrayContaining(Object.keys(SEARCH_ATTRIBUTES)));
    } finally {
      await conn.close();
    }
  });
});
