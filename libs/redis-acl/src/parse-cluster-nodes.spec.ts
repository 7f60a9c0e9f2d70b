import { parseClusterNodes } from './discover-nodes';

// CLUSTER NODES as Redis 7 prints it (node ids shortened).
const TEXT = [
  'a1 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460',
  'b2 127.0.0.1:7001@17001,redis-b.internal master - 0 1 2 connected 5461-10922',
  'c3 127.0.0.1:7002@17002 master,fail? - 0 1 3 connected 10923-16383',
  'd4 127.0.0.1:7003@17003 slave a1 0 1 1 connected',
  'e5 127.0.0.1:7004@17004 slave,fail b2 0 1 2 disconnected',
  'f6 127.0.0.1:7005@17005 handshake - 0 0 0 connected',
  'g7 :0@0 slave,noaddr c3 0 0 3 disconnected',
  '',
].join('\n');

describe('parseClusterNodes', () => {
  it('keeps primaries and replicas, including a node only suspected to fail', () => {
    expect(parseClusterNodes(TEXT, 'seed')).toEqual([
      { host: '127.0.0.1', port: 7000, role: 'primary' },
      { host: '127.0.0.1', port: 7001, role: 'primary' },
      { host: '127.0.0.1', port: 7002, role: 'primary' },
      { host: '127.0.0.1', port: 7003, role: 'replica' },
    ]);
  });

  it('names a node that has not met any other by the seed address', () => {
    expect(parseClusterNodes('a1 :7000@17000 myself,master - 0 0 0 connected\n', 'redis-0.local')).toEqual([
      { host: 'redis-0.local', port: 7000, role: 'primary' },
    ]);
  });
});
