package dev.txmsg.rocketmq.store;

import java.util.List;

import org.apache.ibatis.annotations.Param;

import dev.txmsg.api.ops.Query;

/** txmsg's private mapper of the consumer tables; see {@code ConsumeMapper.xml}. */
interface ConsumeMapper {

    int claim(@Param("group") String group, @Param("key") String key, @Param("topic") String topic);

    int isConsumed(@Param("group") String group, @Param("topic") String topic, @Param("key") String key);

    int purgeConsumed(@Param("ageSeconds") long ageSeconds, @Param("limit") int limit);

    int markAppliedDeadLetters();

    long countConsumed();

    int insertDeadLetter(@Param("d") DeadLetterRow row);

    int updateFailure(@Param("d") DeadLetterRow row);

    int deleteRetrying(@Param("group") String group, @Param("topic") String topic, @Param("key") String key);

    DeadLetterRow findDeadLetter(@Param("id") long id);

    List<DeadLetterRow> findDeadLetters(@Param("q") Query query, @Param("status") String status);

    int resolveDeadLetter(@Param("id") long id, @Param("status") String status, @Param("resolution") String resolution);

    int failDeadLetterAgain(@Param("id") long id, @Param("cause") String cause);

    long countDeadLetters();

    int insertInDoubt(@Param("r") InDoubtRow row);

    InDoubtRow findInDoubt(@Param("txId") String txId);

    List<InDoubtRow> findInDoubts(@Param("q") Query query, @Param("status") String status);

    int resolveInDoubt(@Param("txId") String txId, @Param("status") String status, @Param("resolution") String resolution);

    long countInDoubt();

    ConsumedRow findConsumed(@Param("group") String group, @Param("topic") String topic, @Param("key") String key);

    List<DeadLetterRow> findDeadLettersOf(@Param("key") String key, @Param("likeKey") String likeKey, @Param("limit") int limit);

    List<InDoubtRow> findInDoubtsByKey(@Param("likeKey") String likeKey, @Param("limit") int limit);

    int insertAudit(@Param("a") AuditRow row);

    int completeAudit(@Param("id") long id, @Param("outcome") String outcome);

    List<AuditRow> findAudit(@Param("q") Query query);
}
