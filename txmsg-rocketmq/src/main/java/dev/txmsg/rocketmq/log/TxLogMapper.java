package dev.txmsg.rocketmq.log;

import org.apache.ibatis.annotations.Param;

/** txmsg's private MyBatis mapper of the transaction-log tables; see {@code TxLogMapper.xml}. */
interface TxLogMapper {

    int insert(@Param("txId") String txId, @Param("state") String state, @Param("topic") String topic);

    int insertAll(@Param("entries") java.util.List<dev.txmsg.api.spi.LogEntry> entries);

    int insertFence(@Param("txId") String txId, @Param("topic") String topic);

    java.util.List<String> findWritten(@Param("txIds") java.util.Collection<String> txIds);

    String findState(@Param("txId") String txId);

    int purge(@Param("ageSeconds") long ageSeconds, @Param("limit") int limit);

    long countRows();

    java.util.List<dev.txmsg.api.spi.LogEntry> committed(@Param("minAge") long minAgeSeconds, @Param("maxAge") long maxAgeSeconds,
                                                         @Param("after") String after, @Param("limit") int limit);

    int probe();

    String findIdentity();

    int insertIdentity(@Param("identity") String identity);
}
