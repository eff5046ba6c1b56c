import { markdownTable } from './markdown-table.js';

describe('markdownTable', () => {
  it('pads every column to its widest cell, header included', () => {
    expect(markdownTable(['a', 'long header'], [['wide cell', '1']])).toBe(
      [
        '| a         | long header |',
        '| --------- | ----------- |',
        '| wide cell | 1           |',
      ].join('\n'),
    );
  });
});
